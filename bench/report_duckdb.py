"""The DuckDB baseline of bench/report.sh: read_json over every file and the
same aggregation as bench/report_python.py, in SQL.

    python3 bench/report_duckdb.py SITE_KEY LITERACY_IDS(comma-separated) DIR OUT.csv [objects]

With `objects`, the files are read with read_json_objects (each file one JSON
value, fields taken out in SQL) instead of read_json with declared columns:
the same result, and much faster on many small files.
"""
import sys

import duckdb


def main():
    key, literacy, folder, out = sys.argv[1], sys.argv[2].split(","), sys.argv[3], sys.argv[4]
    objects = len(sys.argv) > 5 and sys.argv[5] == "objects"
    con = duckdb.connect()
    source = READ_OBJECTS if objects else READ_JSON
    con.execute(source, [f"{folder}/**/*.json", key, key])
    aggregate(con, literacy, out)


READ_JSON = """
        CREATE TEMP TABLE f AS
        SELECT coalesce(nullif(learner->>'staffNumber', ''), filename) AS num,
               learner->>'department' AS dept, modules
        FROM read_json(?, format = 'auto', filename = true, maximum_object_size = 2097152,
                       columns = {format: 'VARCHAR', schema: 'INTEGER', site: 'JSON',
                                  learner: 'JSON', modules: 'JSON'})
        WHERE format = 'kenshu-progress' AND schema IN (1, 2)
          AND coalesce(site->>'key', ?) = ?
        """

READ_OBJECTS = """
        CREATE TEMP TABLE f AS
        SELECT coalesce(nullif(json->'learner'->>'staffNumber', ''), filename) AS num,
               json->'learner'->>'department' AS dept, json->'modules' AS modules
        FROM read_json_objects(?, format = 'auto', filename = true, maximum_object_size = 2097152)
        WHERE json->>'format' = 'kenshu-progress' AND (json->>'schema')::INTEGER IN (1, 2)
          AND coalesce(json->'site'->>'key', ?) = ?
        """


def aggregate(con, literacy, out):
    con.execute(
        """
        CREATE TEMP TABLE m AS
        SELECT num, k AS module, bool_or((modules->k->>'passed')::BOOLEAN) AS passed
        FROM (SELECT num, modules, unnest(json_keys(modules)) AS k FROM f)
        GROUP BY num, k
        """
    )
    modules = con.execute(
        "SELECT module, count(*) FROM m WHERE passed GROUP BY module ORDER BY module"
    ).fetchall()
    departments = con.execute(
        """
        WITH p AS (SELECT num, any_value(dept) AS dept FROM f GROUP BY num),
             a AS (SELECT num FROM m WHERE passed AND list_contains(?, module)
                   GROUP BY num HAVING count(*) = ?)
        SELECT p.dept, count(*), count(a.num) FROM p LEFT JOIN a USING (num)
        GROUP BY p.dept ORDER BY p.dept
        """,
        [literacy, len(literacy)],
    ).fetchall()
    with open(out, "w", encoding="utf-8") as f:
        for module, n in modules:
            f.write(f"module,{module},{n}\n")
        for dept, n, attended in departments:
            f.write(f"department,{dept},{n},{attended}\n")


main()
