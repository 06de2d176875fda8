"""What the cases app announces to the features above it (notifications live in overview, a layer up: it listens;
cases does not call it). Sent once the change has committed."""

from django.dispatch import Signal

# A case got a handler: kwargs case_id, handler_id, actor_id.
case_assigned = Signal()
