"""What the organizations app announces to the features above it (notifications live in overview, a layer up: it
listens; organizations does not call it). Sent once the change has committed."""

from django.dispatch import Signal

# A weak-organization dossier moved along its workflow: kwargs dossier_id, move (the move's name), actor_id.
dossier_moved = Signal()
