"""A small plugin used only by core's tests: notes owned by a salesperson in
an org unit, with a list page, a detail page, create/edit forms, a main-menu
entry, permissions and a numbering sequence — enough to exercise the host,
the access rule, audit and CSRF without depending on a business plugin."""
