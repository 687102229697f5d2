from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_model_versions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LoginLock',
            fields=[
                ('subject', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=48)),
                ('until', fields.FloatField()),
                ('attempt', fields.IntField()),
            ],
            options={'table': 'login_locks', 'app': 'models', 'pk_attr': 'subject', 'table_description': 'A login lockout (per account or client address): kept in the database so that a'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginSession',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=36)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('generation', fields.IntField(default=0)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_reason', fields.CharField(null=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'login_sessions', 'app': 'models', 'indexes': [Index(fields=['user_id', 'revoked_at'])], 'pk_attr': 'id', 'table_description': 'One login (a refresh-token family): the truth about whether it may go on.'},
            bases=['Model'],
        ),
    ]
