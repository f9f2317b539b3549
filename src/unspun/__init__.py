"""unspun: many news articles in, one cited story out."""

__version__ = "0.1.0"
