"""The `furusato` command line and what it drives: build, check, new, serve, codeowners."""
