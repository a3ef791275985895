"""Analysis: the dyad and coverage rules, listings by time, panels, compare, theory, timeline."""
