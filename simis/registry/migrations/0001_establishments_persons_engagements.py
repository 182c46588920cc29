"""Establishments, persons and their identities, contribution periods, wages and batches.

Before the tables: pg_trgm (trigram index on names) and the two number sequences the tables
draw their defaults from. btree_gist (for the no-overlap exclusion constraint) comes with the
kernel's first migration. Extensions are shared by the whole database, so going backwards
leaves them in place; the sequences are ours and are dropped."""

import django.contrib.postgres.constraints
import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
import simis.core.money
import simis.registry.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("core", "0001_parameter_sets_and_values"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE EXTENSION IF NOT EXISTS pg_trgm",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            sql=[
                "CREATE SEQUENCE registry_establishment_number_seq START WITH 100000001",
                "CREATE SEQUENCE registry_contributor_number_seq START WITH 100000001",
            ],
            reverse_sql=[
                "DROP SEQUENCE registry_contributor_number_seq",
                "DROP SEQUENCE registry_establishment_number_seq",
            ],
        ),
        migrations.CreateModel(
            name='Occupation',
            fields=[
                ('name_ar', models.CharField(help_text='The name shown in Arabic.', max_length=200, verbose_name='Arabic name')),
                ('name_en', models.CharField(help_text='The name shown in English.', max_length=200, verbose_name='English name')),
                ('code', models.CharField(help_text='ISCO-08 code.', max_length=4, primary_key=True, serialize=False, verbose_name='code')),
            ],
            options={
                'verbose_name': 'occupation',
                'verbose_name_plural': 'occupations',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='Office',
            fields=[
                ('name_ar', models.CharField(help_text='The name shown in Arabic.', max_length=200, verbose_name='Arabic name')),
                ('name_en', models.CharField(help_text='The name shown in English.', max_length=200, verbose_name='English name')),
                ('code', models.CharField(help_text="The office's short code.", max_length=8, primary_key=True, serialize=False, verbose_name='code')),
            ],
            options={
                'verbose_name': 'office',
                'verbose_name_plural': 'offices',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='Region',
            fields=[
                ('name_ar', models.CharField(help_text='The name shown in Arabic.', max_length=200, verbose_name='Arabic name')),
                ('name_en', models.CharField(help_text='The name shown in English.', max_length=200, verbose_name='English name')),
                ('code', models.CharField(help_text='ISO 3166-2:SA region number, e.g. 01 for Riyadh.', max_length=2, primary_key=True, serialize=False, verbose_name='code')),
            ],
            options={
                'verbose_name': 'region',
                'verbose_name_plural': 'regions',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='Country',
            fields=[
                ('name_ar', models.CharField(help_text='The name shown in Arabic.', max_length=200, verbose_name='Arabic name')),
                ('name_en', models.CharField(help_text='The name shown in English.', max_length=200, verbose_name='English name')),
                ('code', models.CharField(help_text='ISO 3166-1 alpha-3 code, e.g. SAU.', max_length=3, primary_key=True, serialize=False, verbose_name='code')),
                ('alpha2', models.CharField(help_text='ISO 3166-1 alpha-2 code, e.g. SA.', max_length=2, unique=True, verbose_name='two-letter code')),
                ('is_gcc', models.BooleanField(default=False, help_text='A member state of the Gulf Cooperation Council.', verbose_name='GCC member state')),
            ],
            options={
                'verbose_name': 'country',
                'verbose_name_plural': 'countries',
                'ordering': ['code'],
                'constraints': [models.CheckConstraint(condition=models.Q(('code__regex', '^[A-Z]{3}$')), name='registry_country_code_shape')],
            },
        ),
        migrations.CreateModel(
            name='EconomicActivity',
            fields=[
                ('name_ar', models.CharField(help_text='The name shown in Arabic.', max_length=200, verbose_name='Arabic name')),
                ('name_en', models.CharField(help_text='The name shown in English.', max_length=200, verbose_name='English name')),
                ('code', models.CharField(help_text='ISIC rev.4 code: a section letter or a division.', max_length=4, primary_key=True, serialize=False, verbose_name='code')),
                ('level', models.CharField(choices=[('section', 'Section'), ('division', 'Division')], max_length=16, verbose_name='level')),
                ('section', models.ForeignKey(blank=True, help_text='The ISIC section a division belongs to.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='divisions', to='registry.economicactivity', verbose_name='section')),
            ],
            options={
                'verbose_name': 'economic activity',
                'verbose_name_plural': 'economic activities',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='Establishment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(db_default=simis.registry.models.SequenceNextText('registry_establishment_number_seq'), help_text="The establishment's number with the institution, given at registration.", max_length=16, unique=True, verbose_name='establishment number')),
                ('unified_number', models.CharField(help_text='The 700 number: ten digits starting with 7, from the Ministry of Commerce.', max_length=10, verbose_name='unified national number')),
                ('commercial_registration', models.CharField(help_text='The commercial registration (CR) number: ten digits.', max_length=10, verbose_name='commercial registration number')),
                ('name_ar', models.CharField(help_text='The name shown in Arabic.', max_length=200, verbose_name='Arabic name')),
                ('name_en', models.CharField(help_text='The name shown in English.', max_length=200, verbose_name='English name')),
                ('is_main', models.BooleanField(help_text='A main establishment; otherwise a branch of one.', verbose_name='main establishment')),
                ('parent_is_main', models.BooleanField(blank=True, editable=False, null=True)),
                ('city', models.CharField(help_text='The city where the establishment is located.', max_length=100, verbose_name='city')),
                ('status', models.CharField(choices=[('active', 'Active'), ('suspended', 'Suspended'), ('closed', 'Closed')], default='active', help_text='Active establishments may register workers; suspended and closed ones may not.', max_length=16, verbose_name='status')),
                ('registered_on', models.DateField(help_text='The day it was registered.', verbose_name='registered on')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                ('economic_activity', models.ForeignKey(help_text='The main economic activity (ISIC rev.4).', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.economicactivity', verbose_name='economic activity')),
                ('parent', models.ForeignKey(blank=True, help_text='For a branch: the main establishment it belongs to.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='branches', to='registry.establishment', verbose_name='main establishment')),
                ('office', models.ForeignKey(help_text="The institution's office that services this establishment.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.office', verbose_name='servicing office')),
                ('region', models.ForeignKey(help_text='The region where the establishment is located.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.region', verbose_name='region')),
            ],
            options={
                'verbose_name': 'establishment',
                'verbose_name_plural': 'establishments',
            },
        ),
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contributor_number', models.BigIntegerField(db_default=simis.registry.models.SequenceNext('registry_contributor_number_seq'), help_text="The contributor's number with the institution, given at first registration.", unique=True, verbose_name='contributor number')),
                ('first_name_ar', models.CharField(help_text='First name in Arabic.', max_length=60, verbose_name='first name (Arabic)')),
                ('father_name_ar', models.CharField(blank=True, help_text="Father's name in Arabic.", max_length=60, verbose_name="father's name (Arabic)")),
                ('grandfather_name_ar', models.CharField(blank=True, help_text="Grandfather's name in Arabic.", max_length=60, verbose_name="grandfather's name (Arabic)")),
                ('family_name_ar', models.CharField(help_text='Family name in Arabic.', max_length=60, verbose_name='family name (Arabic)')),
                ('first_name_en', models.CharField(help_text='First name in Latin letters.', max_length=60, verbose_name='first name (English)')),
                ('father_name_en', models.CharField(blank=True, help_text="Father's name in Latin letters.", max_length=60, verbose_name="father's name (English)")),
                ('grandfather_name_en', models.CharField(blank=True, help_text="Grandfather's name in Latin letters.", max_length=60, verbose_name="grandfather's name (English)")),
                ('family_name_en', models.CharField(help_text='Family name in Latin letters.', max_length=60, verbose_name='family name (English)')),
                ('search_name', models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(django.db.models.functions.text.Concat(models.F('first_name_ar'), models.Value(' '), models.F('father_name_ar'), models.Value(' '), models.F('grandfather_name_ar'), models.Value(' '), models.F('family_name_ar'), models.Value(' '), models.F('first_name_en'), models.Value(' '), models.F('father_name_en'), models.Value(' '), models.F('grandfather_name_en'), models.Value(' '), models.F('family_name_en'), output_field=models.TextField())), output_field=models.TextField(), verbose_name='search name')),
                ('birth_date', models.DateField(help_text='Entered in the Hijri or the Gregorian calendar; stored Gregorian.', verbose_name='birth date')),
                ('birth_date_calendar', models.CharField(choices=[('hijri', 'Hijri'), ('gregorian', 'Gregorian')], default='gregorian', help_text='The calendar the birth date was entered in, so it is shown the same way.', max_length=16, verbose_name='birth date entered in')),
                ('gender', models.CharField(choices=[('male', 'Male'), ('female', 'Female')], max_length=8, verbose_name='gender')),
                ('external_old_law_months', models.PositiveSmallIntegerField(default=0, help_text='Contribution months under the old law or the Civil Pension Law that are not recorded as contribution periods here (for example civil service).', verbose_name='old-law months outside this register')),
                ('regime', models.CharField(choices=[('old_law', 'Old law (Royal Decree M/33)'), ('transitional', 'Transitional (Royal Decree M/273, item 5)'), ('new_law', 'New law (Royal Decree M/273)')], help_text='Derived from the contribution history; never entered by hand.', max_length=16, verbose_name='legal regime')),
                ('regime_inputs', models.JSONField(default=dict, help_text='What the regime was derived from, so it can be explained.', verbose_name='regime derivation')),
                ('regime_derived_on', models.DateField(verbose_name='regime derived on')),
                ('registered_on', models.DateField(help_text='The day of first registration.', verbose_name='registered on')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                ('nationality', models.ForeignKey(help_text="The person's nationality.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.country', verbose_name='nationality')),
                ('user', models.OneToOneField(blank=True, help_text="The insured person's own portal account, if any.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contributor', to=settings.AUTH_USER_MODEL, verbose_name='portal user')),
            ],
            options={
                'verbose_name': 'contributor',
                'verbose_name_plural': 'contributors',
            },
        ),
        migrations.CreateModel(
            name='Engagement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('join_date', models.DateField(help_text='The first day of work.', verbose_name='join date')),
                ('leave_date', models.DateField(blank=True, help_text='The last day of work; empty while the period lasts.', null=True, verbose_name='leave date')),
                ('leave_reason', models.CharField(blank=True, choices=[('resignation', 'Resignation'), ('end_of_contract', 'End of contract'), ('dismissal', 'Dismissal'), ('mutual_agreement', 'Termination by mutual agreement'), ('death', 'Death'), ('retirement', 'Retirement'), ('disability', 'Disability'), ('transfer', 'Transfer to another branch'), ('establishment_closed', 'Establishment closed'), ('final_exit', 'Final exit from the Kingdom'), ('other', 'Other')], help_text='Why the period ended.', max_length=32, verbose_name='leave reason')),
                ('status', models.CharField(choices=[('active', 'Active'), ('terminated', 'Terminated'), ('pending_review', 'Pending review')], default='active', max_length=16, verbose_name='status')),
                ('review_reason', models.CharField(blank=True, choices=[('late_registration', 'Registered after the deadline'), ('late_exclusion', 'Terminated after the deadline')], help_text='Why the period waits for review.', max_length=32, verbose_name='review reason')),
                ('disputed_from', models.DateField(blank=True, help_text='First month not billed while the review is open.', null=True, verbose_name='disputed from')),
                ('disputed_until', models.DateField(blank=True, help_text='Last month not billed while the review is open.', null=True, verbose_name='disputed until')),
                ('requested_on', models.DateField(help_text='The day the employer asked for the registration.', verbose_name='requested on')),
                ('covers_annuities', models.BooleanField(help_text='Covered by the annuities (pensions) branch.', verbose_name='annuities')),
                ('covers_occupational_hazards', models.BooleanField(help_text='Covered by the occupational hazards branch.', verbose_name='occupational hazards')),
                ('covers_unemployment', models.BooleanField(help_text='Covered by unemployment insurance (SANED).', verbose_name='unemployment insurance')),
                ('gcc_extension', models.BooleanField(help_text="A GCC national covered by the home country's scheme through the GCC extension.", verbose_name='GCC insurance protection')),
                ('gcc_country', models.CharField(blank=True, help_text='The home country for the GCC extension.', max_length=2, verbose_name='GCC country')),
                ('coverage_inputs', models.JSONField(default=dict, help_text='What the covered branches were derived from.', verbose_name='coverage derivation')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                ('transferred_from', models.OneToOneField(blank=True, help_text='The period at the other branch this one continues.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='transferred_to', to='registry.engagement', verbose_name='transferred from')),
                ('establishment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='engagements', to='registry.establishment', verbose_name='establishment')),
                ('occupation', models.ForeignKey(help_text='The current occupation (ISCO-08).', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.occupation', verbose_name='occupation')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='engagements', to='registry.person', verbose_name='contributor')),
            ],
            options={
                'verbose_name': 'contribution period',
                'verbose_name_plural': 'contribution periods',
            },
        ),
        migrations.CreateModel(
            name='PersonIdentity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('national_id', 'Saudi national ID'), ('iqama', 'Residence permit (iqama)'), ('gcc_id', 'GCC national ID'), ('passport', 'Passport')], max_length=16, verbose_name='kind')),
                ('number', models.CharField(help_text='The document number, normalised.', max_length=20, verbose_name='number')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                ('country', models.ForeignKey(help_text='SAU for national IDs and iqamas; the issuing state for GCC IDs and passports.', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.country', verbose_name='issuing country')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='identities', to='registry.person', verbose_name='contributor')),
            ],
            options={
                'verbose_name': 'identity document',
                'verbose_name_plural': 'identity documents',
            },
        ),
        migrations.AddField(
            model_name='office',
            name='region',
            field=models.ForeignKey(help_text='The region the office is in.', on_delete=django.db.models.deletion.PROTECT, related_name='offices', to='registry.region', verbose_name='region'),
        ),
        migrations.CreateModel(
            name='WageBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='The month the changes take effect (its first day).', verbose_name='month')),
                ('reference', models.CharField(blank=True, help_text="The employer's own reference for the batch.", max_length=64, verbose_name='reference')),
                ('declared_line_count', models.PositiveIntegerField(help_text='How many wage changes the batch holds.', verbose_name='declared number of lines')),
                ('declared_total_basic', simis.core.money.MoneyField(help_text='Sum of the basic wages.', verbose_name='declared total basic wage')),
                ('declared_total_housing', simis.core.money.MoneyField(help_text='Sum of the housing allowances.', verbose_name='declared total housing allowance')),
                ('declared_total_contributory', simis.core.money.MoneyField(help_text='Sum of the wages subject to contribution.', verbose_name='declared total contributory wage')),
                ('amendment_count', models.PositiveIntegerField(default=0, verbose_name='amendments')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                ('amended_at', models.DateTimeField(blank=True, null=True, verbose_name='amended at')),
                ('establishment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='wage_batches', to='registry.establishment', verbose_name='establishment')),
            ],
            options={
                'verbose_name': 'wage-change batch',
                'verbose_name_plural': 'wage-change batches',
            },
        ),
        migrations.CreateModel(
            name='Wage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('effective_from', models.DateField(help_text='The first day this wage applies.', verbose_name='effective from')),
                ('basic', simis.core.money.MoneyField(help_text='Monthly basic wage in riyals.', verbose_name='basic wage')),
                ('housing', simis.core.money.MoneyField(help_text='Monthly housing allowance in riyals.', verbose_name='housing allowance')),
                ('other', simis.core.money.MoneyField(help_text='Other monthly allowances in riyals.', verbose_name='other allowances')),
                ('housing_in_kind', models.BooleanField(default=False, help_text='The employer provides housing instead of paying a housing allowance.', verbose_name='housing given in kind')),
                ('contributory_wage', simis.core.money.MoneyField(help_text='The wage subject to contribution, derived from the wage.', verbose_name='contributory wage')),
                ('contributory_inputs', models.JSONField(default=dict, help_text='How the contributory wage was derived.', verbose_name='contributory wage derivation')),
                ('parameter_version_ids', django.contrib.postgres.fields.ArrayField(base_field=models.IntegerField(), default=list, help_text='The parameter versions the contributory wage was derived with.', size=None, verbose_name='parameter versions')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='created at')),
                ('engagement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='wages', to='registry.engagement', verbose_name='contribution period')),
                ('establishment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.establishment', verbose_name='establishment')),
                ('occupation', models.ForeignKey(blank=True, help_text='The occupation from this date, when it changed with the wage.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.occupation', verbose_name='occupation')),
                ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='registry.wagebatch', verbose_name='batch')),
            ],
            options={
                'verbose_name': 'wage',
                'verbose_name_plural': 'wages',
            },
        ),
        migrations.AddConstraint(
            model_name='economicactivity',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('code__regex', '^[A-U]$'), ('level', 'section'), ('section__isnull', True)), models.Q(('code__regex', '^[0-9]{2}$'), ('level', 'division'), ('section__isnull', False)), _connector='OR'), name='registry_activity_section_shape'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_name'], name='registry_person_name_trgm', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['nationality'], name='registry_person_nat_idx'),
        ),
        migrations.AddIndex(
            model_name='engagement',
            index=models.Index(fields=['establishment', 'status', 'id'], name='registry_eng_est_status_idx'),
        ),
        migrations.AddIndex(
            model_name='engagement',
            index=models.Index(fields=['establishment', 'occupation', 'id'], name='registry_eng_est_occ_idx'),
        ),
        migrations.AddIndex(
            model_name='engagement',
            index=models.Index(fields=['person', 'join_date'], name='registry_eng_person_idx'),
        ),
        migrations.AddIndex(
            model_name='engagement',
            index=models.Index(condition=models.Q(('status', 'pending_review')), fields=['establishment', 'disputed_from'], name='registry_eng_pending_idx'),
        ),
        migrations.AddConstraint(
            model_name='engagement',
            constraint=models.UniqueConstraint(fields=('id', 'establishment'), name='registry_eng_id_est_key'),
        ),
        migrations.AddConstraint(
            model_name='engagement',
            constraint=models.CheckConstraint(condition=models.Q(('leave_date__isnull', True), ('leave_date__gte', models.F('join_date')), _connector='OR'), name='registry_eng_leave_after_join'),
        ),
        migrations.AddConstraint(
            model_name='engagement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('leave_date__isnull', True), ('leave_reason', '')), models.Q(('leave_date__isnull', False), models.Q(('leave_reason', ''), _negated=True)), _connector='OR'), name='registry_eng_leave_reason_with_date'),
        ),
        migrations.AddConstraint(
            model_name='engagement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('leave_date__isnull', True), ('status', 'active')), models.Q(('leave_date__isnull', False), ('status', 'terminated')), ('status', 'pending_review'), _connector='OR'), name='registry_eng_status_matches_leave'),
        ),
        migrations.AddConstraint(
            model_name='engagement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'pending_review'), models.Q(('review_reason', ''), _negated=True), ('disputed_from__isnull', False), ('disputed_until__gte', models.F('disputed_from'))), models.Q(models.Q(('status', 'pending_review'), _negated=True), ('disputed_from__isnull', True), ('disputed_until__isnull', True), ('review_reason', '')), _connector='OR'), name='registry_eng_review_fields'),
        ),
        migrations.AddConstraint(
            model_name='engagement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('gcc_country__regex', '^[A-Z]{2}$'), ('gcc_extension', True)), models.Q(('gcc_country', ''), ('gcc_extension', False)), _connector='OR'), name='registry_eng_gcc_country'),
        ),
        migrations.AddConstraint(
            model_name='engagement',
            constraint=django.contrib.postgres.constraints.ExclusionConstraint(expressions=[('person', '='), ('establishment', '='), (simis.registry.models.ClosedDateRange('join_date', 'leave_date'), '&&')], name='registry_eng_no_overlap'),
        ),
        migrations.AddIndex(
            model_name='personidentity',
            index=models.Index(fields=['number'], name='registry_identity_number_idx'),
        ),
        migrations.AddConstraint(
            model_name='personidentity',
            constraint=models.UniqueConstraint(fields=('kind', 'country', 'number'), name='registry_identity_unique'),
        ),
        migrations.AddConstraint(
            model_name='personidentity',
            constraint=models.UniqueConstraint(condition=models.Q(('kind__in', ['national_id', 'iqama'])), fields=('person', 'kind'), name='registry_identity_one_saudi_id'),
        ),
        migrations.AddConstraint(
            model_name='personidentity',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['national_id', 'iqama']), _negated=True), ('country', 'SAU'), _connector='OR'), name='registry_identity_saudi_issued'),
        ),
        migrations.AddConstraint(
            model_name='personidentity',
            constraint=models.CheckConstraint(condition=models.Q(('number', ''), _negated=True), name='registry_identity_number_present'),
        ),
        migrations.AddIndex(
            model_name='establishment',
            index=models.Index(fields=['unified_number'], name='registry_est_unified_idx'),
        ),
        migrations.AddIndex(
            model_name='establishment',
            index=models.Index(fields=['commercial_registration'], name='registry_est_cr_idx'),
        ),
        migrations.AddIndex(
            model_name='establishment',
            index=models.Index(condition=models.Q(('parent__isnull', False)), fields=['parent'], name='registry_est_parent_idx'),
        ),
        migrations.AddConstraint(
            model_name='establishment',
            constraint=models.UniqueConstraint(fields=('id', 'is_main'), name='registry_est_id_is_main_key'),
        ),
        migrations.AddConstraint(
            model_name='establishment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('is_main', True), ('parent__isnull', True), ('parent_is_main__isnull', True)), models.Q(('is_main', False), ('parent__isnull', False), ('parent_is_main', True)), _connector='OR'), name='registry_est_main_or_branch'),
        ),
        migrations.AddConstraint(
            model_name='establishment',
            constraint=models.CheckConstraint(condition=models.Q(('unified_number__regex', '^7[0-9]{9}$')), name='registry_est_unified_number_shape'),
        ),
        migrations.AddConstraint(
            model_name='establishment',
            constraint=models.CheckConstraint(condition=models.Q(('commercial_registration__regex', '^[0-9]{10}$')), name='registry_est_cr_shape'),
        ),
        migrations.AddConstraint(
            model_name='establishment',
            constraint=models.UniqueConstraint(condition=models.Q(('is_main', True)), fields=('unified_number',), name='registry_est_main_unified_unique'),
        ),
        migrations.AddConstraint(
            model_name='establishment',
            constraint=models.UniqueConstraint(condition=models.Q(('is_main', True)), fields=('commercial_registration',), name='registry_est_main_cr_unique'),
        ),
        migrations.AddIndex(
            model_name='wagebatch',
            index=models.Index(fields=['establishment', 'month'], name='registry_batch_est_month_idx'),
        ),
        migrations.AddConstraint(
            model_name='wagebatch',
            constraint=models.CheckConstraint(condition=models.Q(('month__day', 1)), name='registry_batch_month_first_day'),
        ),
        migrations.AddIndex(
            model_name='wage',
            index=models.Index(fields=['establishment', 'effective_from'], name='registry_wage_est_from_idx'),
        ),
        migrations.AddIndex(
            model_name='wage',
            index=models.Index(condition=models.Q(('batch__isnull', False)), fields=['batch'], name='registry_wage_batch_idx'),
        ),
        migrations.AddConstraint(
            model_name='wage',
            constraint=models.UniqueConstraint(fields=('engagement', 'effective_from'), name='registry_wage_one_per_day'),
        ),
        migrations.AddConstraint(
            model_name='wage',
            constraint=models.CheckConstraint(condition=models.Q(('basic__gte', 0), ('contributory_wage__gte', 0), ('housing__gte', 0), ('other__gte', 0)), name='registry_wage_amounts_not_negative'),
        ),
    ]
