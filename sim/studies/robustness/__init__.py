"""The headline as a range: global sensitivity of the group-minus-no-group effects."""
