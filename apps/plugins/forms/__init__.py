"""The plugins area's forms, one module per page that has them."""
