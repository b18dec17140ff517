"""spaCy components of the newsig pipeline, one per file, registered by import."""
