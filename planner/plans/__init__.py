"""The pure part: profile, catalog, conditions, context, engine, recurrence, tailoring,
plan diff and printout. No Flask, no database, no reading of the clock: a plan is a function of
a profile, a catalog and a day."""
