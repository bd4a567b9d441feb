"""Steps that span features, named once (ARCHITECTURE.md: workflows).

A feature returns what it changed and never calls upwards; a workflow calls the next feature
with that. The command line and the window call workflows, so every way in gets the same
follow-ups in the same transaction.
"""
