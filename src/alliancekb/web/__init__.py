"""The knowledge base in a browser: datasette with the metadata shipped here (`serve`)."""
