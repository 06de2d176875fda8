"""What the cases app announces to the features above it (notifications live in overview, a layer up: it listens;
cases does not call it). Sent once the change has committed."""

from django.dispatch import Signal

# A case got a handler: kwargs case_id, handler_id, actor_id.
case_assigned = Signal()

# A transfer between units moved: kwargs transfer_id, step ("sent", "received", "registered", "returned" or
# "urged"), actor_id. Only transfers to a unit of the system are announced (an outside body has no inbox).
transfer_moved = Signal()
