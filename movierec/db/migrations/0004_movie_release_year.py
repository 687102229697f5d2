from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# The release year is kept on its own: MovieLens knows only the year, and a date of
# 1 January was invented for it. Existing rows get the year of their date; catalog rows
# (MovieLens ids) dated 1 January lose that invented date. Portable SQL (SQLite, PostgreSQL).
_YEAR = "CAST(SUBSTR(CAST(release_date AS TEXT), 1, 4) AS INTEGER)"


class Migration(migrations.Migration):
    dependencies = [('models', '0003_login_sessions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Movie',
            name='release_year',
            field=fields.IntField(null=True, db_index=True),
        ),
        ops.RunSQL(
            [
                f"UPDATE movies SET release_year = {_YEAR} WHERE release_date IS NOT NULL",
                "UPDATE movies SET release_date = NULL WHERE movielens_id IS NOT NULL"
                " AND SUBSTR(CAST(release_date AS TEXT), 6, 5) = '01-01'",
            ]
        ),
    ]
