"""The built-in document templates (package data `doithoai.templates`)."""
