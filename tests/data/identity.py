"""Machine identities a test writes itself.

A test that edits a real run into another machine's sets every identity
field it relies on, so it means the same on any CPU: the run's own
identity is replaced, never kept and compared against.
"""

FIELDS = ("vendor", "family", "model", "model_name", "hypervisor", "kernel")

# The fixture machines; names no real CPU reports.
A = dict(vendor="GenuineIntel", family=6, model=167,
         model_name="Test CPU A", hypervisor="KVMKVMKVM",
         kernel="6.18.0-test")
B = dict(vendor="AuthenticAMD", family=25, model=1,
         model_name="Test CPU B", hypervisor="KVMKVMKVM",
         kernel="6.18.0-test")


def env_of(doc):
    return doc["context"]["walkbench"]["env"]


def set_identity(doc, ident, **over):
    """Replaces every identity field of @doc's env with @ident, then @over."""
    env = env_of(doc)
    want = dict(ident)
    want.update(over)
    missing = [k for k in FIELDS if k not in want]
    if missing:
        raise ValueError(f"identity without {missing}")
    env.update(want)
    return doc
