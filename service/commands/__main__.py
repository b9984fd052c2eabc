"""`python -m service.commands …` runs the wenshu command, as the service does for its scheduled check."""

from service.commands.cli import main

if __name__ == "__main__":
    main()
