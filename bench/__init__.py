"""`make bench`: the performance benchmark of Rehabit's hot paths (see README, "Performance")."""
