"""Reading people's files: one reader per format, header matching, and the batch writer."""
