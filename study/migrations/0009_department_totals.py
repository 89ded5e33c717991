# The department ranking read 100,000 period totals joined to 100,000 cadres on every request (0.2-0.4 s on
# PostgreSQL): this keeps one row per department and period, exact under any move of a cadre, in the database.

import django.db.models.deletion
from django.db import migrations, models

TRIGGERS = """
CREATE OR REPLACE FUNCTION study_department_total_add(p_period varchar, p_department bigint, p_points bigint, p_n int)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_n < 0 THEN  -- taking away: the row exists (an insert's row would fail the check before the conflict)
        UPDATE study_departmenttotal SET points = points + p_points, participants = participants + p_n
        WHERE period = p_period AND department_id = p_department;
    ELSE
        INSERT INTO study_departmenttotal (period, department_id, points, participants)
        VALUES (p_period, p_department, p_points, p_n)
        ON CONFLICT (period, department_id) DO UPDATE
        SET points = study_departmenttotal.points + EXCLUDED.points,
            participants = study_departmenttotal.participants + EXCLUDED.participants;
    END IF;
END $$;

-- A cadre's total of a period written or deleted: its change counts for the cadre's department now.
CREATE OR REPLACE FUNCTION study_points_total_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    dept bigint;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.points > 0 THEN
        SELECT department_id INTO dept FROM directory_cadre WHERE id = OLD.cadre_id;
        IF dept IS NOT NULL THEN
            PERFORM study_department_total_add(OLD.period, dept, -OLD.points, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.points > 0 THEN
        SELECT department_id INTO dept FROM directory_cadre WHERE id = NEW.cadre_id;
        IF dept IS NOT NULL THEN
            PERFORM study_department_total_add(NEW.period, dept, NEW.points, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- A cadre changed department, however (a form, an import, QuerySet.update, SQL): their totals move with them.
CREATE OR REPLACE FUNCTION study_cadre_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    total record;
BEGIN
    FOR total IN SELECT period, points FROM study_pointstotal WHERE cadre_id = NEW.id AND points > 0 ORDER BY period
    LOOP
        PERFORM study_department_total_add(total.period, OLD.department_id, -total.points, -1);
        PERFORM study_department_total_add(total.period, NEW.department_id, total.points, 1);
    END LOOP;
    RETURN NULL;
END $$;

CREATE TRIGGER study_points_total_changed AFTER INSERT OR UPDATE OF points, period, cadre_id OR DELETE
    ON study_pointstotal FOR EACH ROW EXECUTE FUNCTION study_points_total_changed();
CREATE TRIGGER study_cadre_moved AFTER UPDATE OF department_id ON directory_cadre FOR EACH ROW
    WHEN (OLD.department_id IS DISTINCT FROM NEW.department_id) EXECUTE FUNCTION study_cadre_moved();
"""

# What the triggers keep, computed at once from the existing totals (also used by bench/study.py after its bulk load).
FILL = """
INSERT INTO study_departmenttotal (period, department_id, points, participants)
SELECT t.period, c.department_id, sum(t.points), count(*)
FROM study_pointstotal t JOIN directory_cadre c ON c.id = t.cadre_id
WHERE t.points > 0 GROUP BY 1, 2;
"""

DROP = """
DROP TRIGGER IF EXISTS study_cadre_moved ON directory_cadre;
DROP TRIGGER IF EXISTS study_points_total_changed ON study_pointstotal;
DROP FUNCTION IF EXISTS study_cadre_moved();
DROP FUNCTION IF EXISTS study_points_total_changed();
DROP FUNCTION IF EXISTS study_department_total_add(varchar, bigint, bigint, int);
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_roles"),
        ("study", "0008_task_video_percent"),
    ]

    operations = [
        migrations.CreateModel(
            name="DepartmentTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("period", models.CharField(max_length=10)),
                ("points", models.BigIntegerField(default=0)),
                ("participants", models.PositiveIntegerField(default=0)),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="directory.department"
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("period", "department"), name="department_total_once")],
            },
        ),
        migrations.RunPython(on_postgresql(TRIGGERS + FILL), on_postgresql(DROP)),
    ]
