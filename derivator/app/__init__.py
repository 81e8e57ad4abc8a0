"""The command line and what runs it: sandboxed workers, batches, the result cache, files."""
