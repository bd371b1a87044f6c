"""What the benches share to set themselves up: the secrets of their production settings, and PostgreSQL databases
of their own, created before a run and dropped after it. Not a bench: ``make bench`` runs it too, and it does
nothing."""

from urllib.parse import urlsplit

# Secrets for production settings (DEBUG off), never used anywhere else.
SECRETS = {
    "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "b" * 40,
    "FIELD_ENCRYPTION_KEY": "bench-only-field-encryption-key-" + "k" * 8,
    "PARTNERS_SECRET_KEY": "bench-only-partners-secret-key-" + "p" * 8,
}


def postgres(server_url, *statements):
    """Run ``statements`` (``CREATE DATABASE``…) on the server of ``server_url``, outside a transaction."""
    import psycopg2

    connection = psycopg2.connect(urlsplit(server_url)._replace(path="/postgres").geturl())
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def recreate_database(database_url):
    """The database of ``database_url`` dropped (whoever is connected) and created empty; returns the server's
    connection and the database's name, for ``drop_database`` at the end."""
    import psycopg2

    url = urlsplit(database_url)
    name = url.path.lstrip("/")
    admin = psycopg2.connect(
        dbname="postgres", user=url.username or "postgres", password=url.password, host=url.hostname, port=url.port
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return admin, name


def drop_database(admin, name):
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()
