"""The wenshu command line: cli.py is the entry point, each other module one group or command."""
