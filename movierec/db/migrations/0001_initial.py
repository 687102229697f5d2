from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='ApiUsage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bucket', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('endpoint', fields.CharField(max_length=64)),
                ('status_class', fields.CharField(max_length=8)),
                ('calls', fields.IntField(default=0)),
                ('retries', fields.IntField(default=0)),
                ('cache_hits', fields.IntField(default=0)),
                ('cache_misses', fields.IntField(default=0)),
                ('stale_serves', fields.IntField(default=0)),
                ('rate_limit_waits', fields.IntField(default=0)),
                ('latency_ms_sum', fields.FloatField(default=0.0)),
                ('latency_histogram', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'api_usage', 'app': 'models', 'unique_together': (('bucket', 'endpoint', 'status_class'),), 'pk_attr': 'id', 'table_description': 'Aggregated TMDb calls per (time bucket, endpoint, status class).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('actor_id', fields.IntField(null=True, db_index=True)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('target_id', fields.IntField(null=True)),
                ('ip', fields.CharField(null=True, max_length=64)),
                ('success', fields.BooleanField(default=True)),
                ('details', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'audit_events', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Who did what, when, from where: logins, role changes, deletions, imports.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CatalogRating',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rater', fields.IntField()),
                ('movie_id', fields.IntField(db_index=True)),
                ('rating', fields.FloatField()),
                ('rated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'catalog_ratings', 'app': 'models', 'indexes': [Index(fields=['rater', 'rated_at'])], 'pk_attr': 'id', 'table_description': "A rating from an imported public data set (MovieLens): the recommender's prior."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Movie',
            fields=[
                ('id', fields.IntField(primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=512)),
                ('original_title', fields.CharField(null=True, max_length=512)),
                ('search_title', fields.CharField(default='', db_index=True, max_length=512)),
                ('overview', fields.TextField(default='', unique=False)),
                ('release_date', fields.DateField(null=True)),
                ('genre_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('keywords', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('popularity', fields.FloatField(default=0.0)),
                ('vote_average', fields.FloatField(default=0.0)),
                ('vote_count', fields.IntField(default=0)),
                ('poster_path', fields.CharField(null=True, max_length=256)),
                ('imdb_id', fields.CharField(null=True, db_index=True, max_length=16)),
                ('movielens_id', fields.IntField(null=True, db_index=True)),
                ('in_catalog', fields.BooleanField(default=False)),
                ('rating_count', fields.IntField(default=0)),
                ('rating_mean', fields.FloatField(default=0.0)),
                ('recent_rating_count', fields.IntField(default=0)),
                ('fetched_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'movies', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Local copy of movie metadata: seen on TMDb, or imported into the offline catalog.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(max_length=32)),
                ('username_key', fields.CharField(unique=True, max_length=32)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('display_name', fields.CharField(null=True, max_length=64)),
                ('password_hash', fields.CharField(max_length=128)),
                ('role', fields.CharField(default='user', max_length=16)),
                ('is_active', fields.BooleanField(default=True)),
                ('preferences', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('favorites_version', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'users', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An account. ``username_key`` (lower-cased) makes usernames unique case-insensitively.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Dismissal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='dismissals', on_delete=OnDelete.CASCADE)),
                ('movie_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'dismissals', 'app': 'models', 'unique_together': (('user', 'movie_id'),), 'pk_attr': 'id', 'table_description': 'A movie a user asked never to be recommended again.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Favorite',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='favorites', on_delete=OnDelete.CASCADE)),
                ('movie_id', fields.IntField(db_index=True)),
                ('movie_title', fields.CharField(max_length=512)),
                ('poster_url', fields.CharField(null=True, max_length=512)),
                ('release_year', fields.IntField(null=True)),
                ('genre_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('genre_key', fields.CharField(default='', max_length=256)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'favorites', 'app': 'models', 'unique_together': (('user', 'movie_id'),), 'indexes': [Index(fields=['user_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A movie a user marked as a favorite: one row per (user, movie).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Recommendation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='recommendations', on_delete=OnDelete.CASCADE)),
                ('movie_id', fields.IntField()),
                ('score', fields.FloatField()),
                ('reason', fields.CharField(max_length=256)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'recommendations', 'app': 'models', 'indexes': [Index(fields=['user_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One item of a recommendation list as it was shown to a user (the serving log).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='refresh_tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('family_id', fields.CharField(db_index=True, max_length=36)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rotated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'refresh_tokens', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An opaque refresh token, stored hashed, rotated on use, revoked by family.'},
            bases=['Model'],
        ),
    ]
