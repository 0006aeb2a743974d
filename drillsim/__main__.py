"""``python -m drillsim``: the same command line as the ``drillsim`` script."""

from drillsim.entry import main

if __name__ == "__main__":
    main()
