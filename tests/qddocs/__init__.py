"""A plugin used only by the document and job tests: a numbered statement
of an owned record (so the default access rule applies to it) and an
unnumbered document without a model, whose context builder decides itself."""
