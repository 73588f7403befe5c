"""What every API endpoint shares: the error shape, input rules, pagination, throttling, schema
helpers and the URL table. The endpoints themselves live in each app's apis.py."""
