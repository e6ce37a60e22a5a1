"""The ILRS Knowledge Graph library: load, validate, query and export the graph.

Everything that knows RDF lives here; the command line (``ilrs_graph.cli``) and the web application
(``ilrs_server``) only call into it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ilrs-graph")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
