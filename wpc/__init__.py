"""wpc: whether work with people and communities reaches those facing the worst health inequalities."""

__version__ = "0.1.0"
