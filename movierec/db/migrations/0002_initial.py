from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.RemoveField(model_name='Movie', name='id'),
        ops.AddField(
            model_name='Movie',
            name='id',
            field=fields.IntField(primary_key=True, unique=True, db_index=True),
        ),
        ops.AddIndex(
            model_name='Movie',
            index=Index(fields=['id']),
        ),
    ]
