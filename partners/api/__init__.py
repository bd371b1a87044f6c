"""The partner REST API (/api/v1/, DESIGN.md §7, docs/partner-api.md): thin views that parse, check scopes and
access, call the domains' services and selectors, and answer with the objects of ``partners.objects``."""
