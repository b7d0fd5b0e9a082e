"""One module per external program: its version probe, a clear missing-dependency error, and its calls."""
