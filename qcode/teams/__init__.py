"""Teams: coders on separate copies merged, disagreements adjudicated into a consensus, roles kept.

``snapshot`` (another side's work by stable identities) and ``coderfile`` (one coder's work as
JSON) are pure; ``source`` reads a snapshot from another project; ``identity`` matches coders by
GUID; ``plan`` and ``merge`` decide and write a merge; ``adjudicate`` records decisions as codings
of a consensus coder. Services take a ``Session`` and never open one (but ``source`` opens the
other project, read-only). See docs/teams.md.
"""
