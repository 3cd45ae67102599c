"""Business rules of the customers plugin, one module per concern (the
customer master, account opening, MAN, grading, evaluation, loyalty, visits,
import/export, search).  No Flask imports; every function takes the session
first; callers commit."""
