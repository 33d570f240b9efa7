import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_two_factor'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='auth_source',
            field=models.CharField(choices=[('local', 'Local password'), ('ldap', 'LDAP / Active Directory')], default='local', help_text="local: signs in with a Strongroom password; ldap: with the directory's password only (the local one is unusable), role and units from its groups.", max_length=10),
        ),
        migrations.CreateModel(
            name='DirectoryGroupMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(choices=[('ldap', 'LDAP / Active Directory')], max_length=10)),
                ('group', models.CharField(help_text="The group's distinguished name, e.g. cn=qa,ou=groups,dc=example", max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('role', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='auth.group')),
                ('units', models.ManyToManyField(blank=True, related_name='+', to='accounts.unit')),
            ],
            options={
                'ordering': ['source', 'group'],
                'constraints': [models.UniqueConstraint(models.F('source'), django.db.models.functions.text.Lower('group'), name='directory_group_mapping_unique'), models.CheckConstraint(condition=models.Q(('group', ''), _negated=True), name='directory_group_mapping_group_not_empty')],
            },
        ),
    ]
