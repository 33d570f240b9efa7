from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('realtime', '0004_batch_topic'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='event',
            name='event_topic_valid',
        ),
        migrations.RemoveConstraint(
            model_name='event',
            name='event_has_audience',
        ),
        migrations.AddField(
            model_name='event',
            name='everyone',
            field=models.BooleanField(default=False, help_text='Every signed-in user may see it, whatever their units: a retention rule without a unit, which governs every unit.'),
        ),
        migrations.AlterField(
            model_name='event',
            name='topic',
            field=models.CharField(choices=[('request', 'Request'), ('sendback', 'Send-back'), ('crate', 'Crate'), ('location', 'Location'), ('notification', 'Notification'), ('batch', 'Destruction batch'), ('rule', 'Retention rule'), ('event_date', 'Event date')], max_length=12),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(('topic__in', ['request', 'sendback', 'crate', 'location', 'notification', 'batch', 'rule', 'event_date'])), name='event_topic_valid'),
        ),
        migrations.AddConstraint(
            model_name='event',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('everyone', False), models.Q(('unit__isnull', False), ('user__isnull', False), _connector='OR')), models.Q(('also_unit__isnull', True), ('everyone', True), ('unit__isnull', True), ('user__isnull', True)), _connector='OR'), name='event_has_audience'),
        ),
    ]
