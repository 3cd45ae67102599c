"""Business rules of the key-account department, one module per concern.
No Flask here: every function takes the session (and the acting user) and
never commits; a refusal raises ``core.services.ServiceError``."""
