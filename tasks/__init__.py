"""The pipeline's steps as plain functions: discover, read, nlp/extract, write, publish."""
