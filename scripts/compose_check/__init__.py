"""The checks of scripts/check_compose_stack.py: stack.py drives Compose (the project directory,
the env files, build, up, down, the containers' state and logs), checks.py what is checked
against the running stack, upgrade.py the upgrade from the previous release. standins/ holds the
recipes of the base images scripts/check_compose_stack.sh builds from Debian's packages."""
