from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0005_inventory_kinds'),
    ]

    operations = [
        migrations.CreateModel(
            name='EmailFlush',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('queued_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.AddField(
            model_name='notification',
            name='email_due_at',
            field=models.DateTimeField(blank=True, help_text="Its e-mail goes out by then, with the recipient's other pending ones in one message (blank: no e-mail: no address, an inactive account, or given up).", null=True),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('email_due_at__isnull', False), ('email_sent_at__isnull', True)), fields=['recipient', 'id'], name='notification_email_due_idx'),
        ),
    ]
