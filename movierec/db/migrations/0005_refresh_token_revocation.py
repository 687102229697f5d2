from tortoise import migrations
from tortoise.migrations import operations as ops

# A refresh token is revoked with its login: ``login_sessions.revoked_at`` is the one
# record of it (docs/security.md, "Sessions"). ``refresh_tokens.revoked_at`` was never
# written; a second place to say "revoked" could only disagree with the first.


class Migration(migrations.Migration):
    dependencies = [('models', '0004_movie_release_year')]

    initial = False

    operations = [
        ops.RemoveField(model_name='RefreshToken', name='revoked_at'),
    ]
