from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ModelVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('format', fields.IntField()),
                ('ratings', fields.IntField(default=0)),
                ('users', fields.IntField(default=0)),
                ('items', fields.IntField(default=0)),
                ('size_bytes', fields.IntField(default=0)),
                ('fit_seconds', fields.FloatField(default=0.0)),
                ('checksum', fields.CharField(max_length=64)),
                ('meta', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('blob', fields.BinaryField()),
            ],
            options={'table': 'model_versions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A published recommendation model: one fit, as a compressed artifact every host reads.'},
            bases=['Model'],
        ),
    ]
