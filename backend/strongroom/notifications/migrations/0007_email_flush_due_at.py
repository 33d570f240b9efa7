from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0006_email_digest'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='emailflush',
            name='queued_at',
        ),
        migrations.AddField(
            model_name='emailflush',
            name='due_at',
            field=models.DateTimeField(blank=True, help_text='When the queued flush runs (blank: none is queued).', null=True),
        ),
    ]
