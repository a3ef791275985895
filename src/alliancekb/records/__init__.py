"""Records: canonical forms, validated writes by key, seed, dump, the change log, table exports."""
