"""Views of the performance team's workspace; thin, each calling a service."""
