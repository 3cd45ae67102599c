"""Qudao core: users, roles, org tree, access scope, audit, numbering,
settings, attachments, documents, jobs and the plugin host."""
