"""Background jobs: a batch of documents runs to 100 % and ends in one ZIP,
on the in-process runner and on a real RQ worker against Redis; a failing
record is reported without losing the others; only the owner sees a job."""
import io
import os
import time
import uuid
import zipfile

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from core.cli import main as qudao
from core.documents import IssuedDocument
from core.jobs import Job
from qddocs import helpers
from qddocs.models import Sheet  # noqa: F401  (its table must exist)

REDIS_URL = os.environ.get("QUDAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def app_config():
    return helpers.CONFIG


def _wait(app, job_id, seconds=120) -> Job:
    deadline = time.monotonic() + seconds
    while True:
        with app.extensions["qudao"].db.session() as s:
            job = s.get(Job, job_id)
            s.expunge(job)
        if job.finished or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def _start_batch(client, ids, spec="qddocs.statement"):
    resp = client.post_form("/documents/batch", {"spec": spec, "record_id": [str(i) for i in ids]})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:300]
    return int(resp.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def _zip_names(data: bytes) -> list[str]:
    return sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_batch_on_the_in_process_runner_reaches_100_and_keeps_good_documents(app, client, db):
    good = [helpers.make_sheet(app, "admin", f"单据{i}") for i in range(3)]
    bad = helpers.make_sheet(app, "admin", "FAIL 不能打印")
    crash = helpers.make_sheet(app, "admin", "CRASH")
    client.login("admin")
    job_id = _start_batch(client, [good[0], bad, good[1], crash, good[2]])
    job = _wait(app, job_id)
    assert job.status == "done" and job.progress == 100
    assert f"记录 {bad}：这张单据不能打印" in job.error  # in the owner's language
    assert f"记录 {crash}：" in job.error and "RuntimeError" in job.error
    assert "3" in job.message and "5" in job.message

    state = client.get(f"/jobs/{job_id}/progress").get_json()
    assert state["status"] == "done" and state["progress"] == 100 and state["result_url"]
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "这张单据不能打印" in page and f"/jobs/{job_id}/result" in page
    assert "data-progress-url" not in page  # finished: no more polling

    result = client.get(state["result_url"])
    assert result.status_code == 200
    names = _zip_names(result.get_data())
    assert names == sorted(["DZD-{}-0000{}.pdf".format(names[0][4:8], n) for n in (1, 2, 3)]
                           + ["errors.txt"])
    archive = zipfile.ZipFile(io.BytesIO(result.get_data()))
    db.rollback()
    docs = db.scalars(select(IssuedDocument).order_by(IssuedDocument.id)).all()
    assert [d.record_id for d in docs] == [str(i) for i in good]
    for d in docs:  # every PDF in the ZIP is the archived, verifiable one
        assert archive.read(d.filename) == client.get(f"/documents/{d.id}/download").get_data()


def test_a_batch_where_everything_fails_is_failed_with_the_reasons(app, client):
    bad = [helpers.make_sheet(app, "admin", "FAIL") for _ in range(2)]
    client.login("admin")
    job_id = _start_batch(client, bad)
    job = _wait(app, job_id)
    assert job.status == "failed"
    assert all(f"记录 {b}：这张单据不能打印" in job.error for b in bad)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "这张单据不能打印" in page
    # the partial result (here: just the error list) is still offered
    assert _zip_names(client.get(f"/jobs/{job_id}/result").get_data()) == ["errors.txt"]


def test_only_the_owner_or_an_admin_sees_a_job(app, client, make_user):
    make_user("job_owner", "salesperson")
    make_user("job_other", "salesperson")
    sheet = helpers.make_sheet(app, "job_owner")
    client.login("job_owner")
    job_id = _start_batch(client, [sheet])
    assert _wait(app, job_id).status == "done"
    assert client.get(f"/jobs/{job_id}").status_code == 200
    client.logout()
    client.login("job_other")
    for url in (f"/jobs/{job_id}", f"/jobs/{job_id}/progress", f"/jobs/{job_id}/result"):
        assert client.get(url).status_code == 404, url
    assert f"/jobs/{job_id}" not in client.get("/jobs/").get_data(as_text=True)
    client.logout()
    client.login("admin")
    assert client.get(f"/jobs/{job_id}/result").status_code == 200


def test_a_batch_refuses_records_the_user_may_not_print(app, client, make_user, make_org):
    make_org("JOB-A", "甲")
    make_org("JOB-B", "乙")
    make_user("job_a", "salesperson", org_code="JOB-A")
    make_user("job_b", "salesperson", org_code="JOB-B")
    mine = helpers.make_sheet(app, "job_b")
    theirs = helpers.make_sheet(app, "job_a")
    client.login("job_b")
    job = _wait(app, _start_batch(client, [mine, theirs]))
    assert job.status == "done" and f"记录 {theirs}：该记录不存在" in job.error
    assert len(_zip_names(client.get(f"/jobs/{job.id}/result").get_data())) == 2  # 1 pdf + errors


def test_batch_form_validates_input(app, client):
    client.login("admin")
    resp = client.post_form("/documents/batch", {"spec": "qddocs.statement", "record_ids": " , ",
                                                 "locale": "zh_CN"}, follow_redirects=True)
    assert resp.status_code == 200
    assert client.post_form("/documents/batch", {"spec": "nosuch.doc",
                                                 "record_id": ["1"]}).status_code == 404


@pytest.fixture
def redis_queue():
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URL)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is part of the set-up but unreachable at {REDIS_URL}")
    name = f"qudao-test-{uuid.uuid4().hex[:10]}"
    yield name
    from rq import Queue

    Queue(name, connection=conn).delete(delete_jobs=True)
    conn.close()


class TestRQ:
    @pytest.fixture
    def app_config(self, redis_queue):
        return {**helpers.CONFIG, "REDIS_URL": REDIS_URL, "JOB_QUEUE": redis_queue}

    def test_batch_runs_on_a_real_rq_worker(self, app, client, db):
        from core.jobs.runner import RQRunner

        assert isinstance(app.extensions["qudao"].jobs, RQRunner)
        sheets = [helpers.make_sheet(app, "admin", f"RQ{i}") for i in range(2)]
        bad = helpers.make_sheet(app, "admin", "FAIL")
        client.login("admin")
        job_id = _start_batch(client, [sheets[0], bad, sheets[1]])
        assert _wait(app, job_id, seconds=0).status == "queued"  # nobody runs it in-process
        res = CliRunner().invoke(qudao, ["worker", "--burst"],
                                 obj=ScriptInfo(create_app=lambda: app), catch_exceptions=False)
        assert res.exit_code == 0, res.output
        job = _wait(app, job_id, seconds=5)
        assert job.status == "done" and job.progress == 100
        assert f"记录 {bad}：这张单据不能打印" in job.error
        names = _zip_names(client.get(f"/jobs/{job_id}/result").get_data())
        assert len(names) == 3 and "errors.txt" in names
        db.rollback()
        assert db.scalar(select(func.count()).select_from(IssuedDocument)) == 2


    def test_capacity_counts_the_workers_listening_on_the_queue(self, app, redis_queue):
        from core import jobs
        from core.jobs.worker import make_worker

        ext = app.extensions["qudao"]
        assert jobs.capacity(ext) == 0  # nobody listens yet
        worker = make_worker(app, redis_queue, name=f"{redis_queue}-w")
        worker.register_birth()
        try:
            assert jobs.capacity(ext) == 1
        finally:
            worker.register_death()
        assert jobs.capacity(ext) == 0

    def test_a_killed_work_horse_fails_the_job_instead_of_running_forever(self, app, db):
        from core import jobs

        ext = app.extensions["qudao"]
        with ext.db.session() as s:
            job = jobs.create(s, "qddocs.die", helpers.user(s, "admin"), {}, "dies")
            s.flush()
            job_id = job.id
        jobs.dispatch(ext, job_id)
        res = CliRunner().invoke(qudao, ["worker", "--burst"],
                                 obj=ScriptInfo(create_app=lambda: app), catch_exceptions=False)
        assert res.exit_code == 0, res.output
        job = _wait(app, job_id, seconds=5)
        assert job.status == "failed" and "后台进程中止了此任务" in job.error


class TestUnreachableQueue:
    @pytest.fixture
    def app_config(self):
        return {**helpers.CONFIG, "REDIS_URL": "redis://127.0.0.1:1/0"}

    def test_the_job_fails_at_once_with_a_message(self, app, client):
        sheet = helpers.make_sheet(app, "admin")
        client.login("admin")
        job = _wait(app, _start_batch(client, [sheet]), seconds=0)
        assert job.status == "failed" and "ConnectionError" in job.error


def test_capacity_of_the_in_process_runner_is_its_thread_count(app):
    from core import jobs

    assert jobs.capacity(app.extensions["qudao"]) == 2  # JOB_WORKERS in the test app


def test_worker_refuses_to_start_without_redis(app):
    res = CliRunner().invoke(qudao, ["worker", "--burst"], obj=ScriptInfo(create_app=lambda: app))
    assert res.exit_code == 1 and "QUDAO_REDIS_URL" in res.output


# -- jobs of a server process that has ended ------------------------------------
ORPHANED_ZH = "运行此任务的服务进程在任务完成前已停止"
ORPHANED_EN = "The server process that ran this job stopped before the job finished"


def _ended_process_token() -> str:
    """The runner token of a process that ran and has now ended."""
    import subprocess
    import sys

    from core.jobs import service

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        token = service.process_token(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    return token


def _running_job(app, runner: str | None, progress: int = 40, result: str | None = None) -> int:
    from core.jobs import service
    from core.models import User

    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        owner = s.scalars(select(User).where(User.username == "admin")).one()
        job = Job(kind="core.render_batch", owner_id=owner.id, params={}, label="对账单 × 3",
                  status="running", progress=progress, message="2 / 3", runner=runner)
        s.add(job)
        s.flush()
        job_id = job.id
        if result:
            path = service.job_dir(ext.config, job_id)
            path.mkdir(parents=True, exist_ok=True)
            (path / result).write_bytes(b"PK partial")
            job.result = result
    return job_id


def test_a_job_whose_server_process_ended_is_failed_and_keeps_its_files(app, client):
    from core.jobs import service

    orphan = _running_job(app, _ended_process_token(), result="documents.zip")
    mine = _running_job(app, service.process_token())
    elsewhere = _running_job(app, "thread:another-host:0123abcd:4242:777")
    client.login("admin")
    got = client.get(f"/jobs/{orphan}/progress").get_json()
    assert got["status"] == "failed" and got["progress"] == 40
    assert ORPHANED_ZH in got["error"]
    assert client.get(got["result_url"]).get_data() == b"PK partial"  # what it wrote is kept
    page = client.get(f"/jobs/{orphan}").get_data(as_text=True)
    assert ORPHANED_ZH in page
    # This process is alive, and another machine's processes cannot be seen
    # from here: those jobs are left as they are.
    for job_id in (mine, elsewhere):
        assert client.get(f"/jobs/{job_id}/progress").get_json()["status"] == "running"


def _english_admin(app, make_user, username="admin_en"):
    from core.models import User

    make_user(username, "admin")
    with app.extensions["qudao"].db.session() as s:
        s.scalars(select(User).where(User.username == username)).one().locale = "en"
    return username


def test_each_reader_sees_why_an_orphaned_job_failed_in_their_own_language(app, client, make_user):
    orphan = _running_job(app, _ended_process_token())
    english = _english_admin(app, make_user)
    client.login("admin")  # Chinese: the first look fails the job
    client.get("/jobs/")
    got = client.get(f"/jobs/{orphan}/progress").get_json()
    assert got["status"] == "failed" and ORPHANED_ZH in got["error"] and got["message"] == "失败"
    client.login(english)
    got = client.get(f"/jobs/{orphan}/progress").get_json()
    assert ORPHANED_EN in got["error"] and ORPHANED_ZH not in got["error"]
    assert got["message"] == "Failed"
    page = client.get(f"/jobs/{orphan}").get_data(as_text=True)
    assert ORPHANED_EN in page and ORPHANED_ZH not in page and "40% Failed" in page
    client.login("admin")
    page = client.get(f"/jobs/{orphan}").get_data(as_text=True)
    assert ORPHANED_ZH in page and ORPHANED_EN not in page and "40% 失败" in page


def test_an_error_stored_as_text_is_shown_as_it_was_stored(app, client, make_user):
    """Jobs failed before errors were stored as keys, and handlers' own
    reports, read the same to everyone."""
    stored = ("运行此任务的服务进程在任务完成前已停止（例如服务重启）。任务已写出的文件仍保留；"
              "其余部分请重新发起任务。")
    job_id = _running_job(app, None)
    with app.extensions["qudao"].db.session() as s:
        job = s.get(Job, job_id)
        job.status, job.message, job.error = "failed", "失败", stored
    english = _english_admin(app, make_user)
    for reader in ("admin", english):
        client.login(reader)
        got = client.get(f"/jobs/{job_id}/progress").get_json()
        assert (got["error"], got["message"]) == (stored, "失败")
        assert stored in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_the_job_list_fails_orphaned_jobs_too(app, client):
    orphan = _running_job(app, _ended_process_token())
    client.login("admin")
    client.get("/jobs/")
    assert _wait(app, orphan, seconds=0).status == "failed"


def test_runner_tokens_tell_a_reused_pid_from_the_process_that_had_it():
    import os

    from core.jobs import service

    me = service.process_token()
    kind, host, boot, pid, started = me.split(":")
    assert (kind, int(pid)) == ("thread", os.getpid()) and started not in ("None", "-")
    assert not service.runner_gone(me)
    assert service.runner_gone(":".join((kind, host, boot, pid, str(int(started) + 1))))
    assert service.runner_gone(":".join((kind, host, "ffffffff", pid, started)))  # rebooted
    assert not service.runner_gone(":".join((kind, "another-host", boot, pid, "1")))
    assert service.runner_gone(_ended_process_token())


def test_jobs_on_the_in_process_runner_name_their_process(app, db):
    from core.jobs import service
    from core.models import User

    with app.extensions["qudao"].db.session() as s:
        owner = s.scalars(select(User).where(User.username == "admin")).one()
        job = service.create(s, "core.render_batch", owner, {"spec": "qddocs.statement",
                                                        "record_ids": []})
        assert job.runner == service.process_token()
        s.rollback()


def test_a_busy_database_leaves_the_job_as_it_is_until_the_next_look(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from core.jobs import service

    orphan = _running_job(app, _ended_process_token())
    real_reap = service.reap

    def busy(session):
        raise OperationalError("UPDATE core_job", {}, Exception("database is locked"))

    monkeypatch.setattr(service, "reap", busy)
    client.login("admin")
    got = client.get(f"/jobs/{orphan}/progress")
    assert got.status_code == 200 and got.get_json()["status"] == "running"
    monkeypatch.setattr(service, "reap", real_reap)
    assert client.get(f"/jobs/{orphan}/progress").get_json()["status"] == "failed"


def test_a_finished_job_shows_its_last_message_even_when_progress_was_thinned_out(app, db):
    from core.jobs import runner, service
    from core.models import User

    ext = app.extensions["qudao"]

    def counting(ctx, spec, record_ids):
        for n in range(1, 201):  # small steps, far faster than progress is written
            ctx.progress(50 + n // 100, f"{n} of 200")
        return None

    with ext.db.session() as s:
        owner = s.scalars(select(User).where(User.username == "admin")).one()
        job_id = service.create(s, "core.render_batch", owner,
                                {"spec": "qddocs.statement", "record_ids": []}).id
    handlers = dict(ext.job_handlers)
    try:
        ext.job_handlers["core.render_batch"] = counting
        runner.execute(app, job_id)
    finally:
        ext.job_handlers.clear()
        ext.job_handlers.update(handlers)
    job = _wait(app, job_id, seconds=5)
    assert (job.status, job.progress, job.message) == ("done", 100, "200 of 200")


def test_a_disabled_plugins_batch_zip_cannot_be_downloaded(app, client, db):
    """Issue 20: the ZIP of a switched-off plugin's documents is out of reach."""
    from core import services

    ids = [helpers.make_sheet(app, "admin", f"单据{i}") for i in range(2)]
    client.login("admin")
    job_id = _start_batch(client, ids)
    assert _wait(app, job_id).status == "done"
    assert client.get(f"/jobs/{job_id}/result").status_code == 200
    services.disable_plugin(db, "qddocs")
    db.commit()
    assert client.get(f"/jobs/{job_id}/result").status_code == 404
    assert client.get(f"/jobs/{job_id}").status_code == 404
    services.enable_plugin(db, "qddocs")
    db.commit()
    assert client.get(f"/jobs/{job_id}/result").status_code == 200


def test_a_job_with_parts_is_one_row_and_a_finished_bar_is_full(app, client):
    """Issue 21, item 24: one month-end batch added 14 rows to the job list
    (the batch and each of its parts), and a finished job showed 100 % over
    an empty bar (``.progress > span {width:0}`` outranked ``.w-100``)."""
    import re

    from core.jobs import service
    from core.models import User

    with app.extensions["qudao"].db.session() as s:
        owner = s.scalars(select(User).where(User.username == "admin")).one()
        batch = service.create(s, "core.render_batch", owner, label="对账单 2026-11 × 41")
        parts = [service.create(s, "core.render_batch", owner, label=f"2026-11 {n}/3",
                                parent_id=batch.id) for n in (2, 3)]
        for job in (batch, *parts):
            service.finish(s, job.id, "done")
        batch_id, part_ids = batch.id, [p.id for p in parts]
    client.login("admin")
    listing = client.get("/jobs/").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td><a href=\"/jobs/(\d+)\">", listing)
    assert rows == [str(batch_id)]  # one row; its parts inside it
    assert "2 个部分，2 个已完成" in listing
    for part_id in part_ids:
        assert f'href="/jobs/{part_id}"' in listing
    page = client.get(f"/jobs/{batch_id}").get_data(as_text=True)
    assert 'class="w-100"' in page and "100%" in page
    assert page.count("2026-11 2/3") == 1 and "2026-11 3/3" in page
    part_page = client.get(f"/jobs/{part_ids[0]}").get_data(as_text=True)
    assert "所属任务" in part_page and f'href="/jobs/{batch_id}"' in part_page
    # The bar's width is the class's: no rule for the bar itself sets one.
    css = client.get("/static/core/qudao.css").get_data(as_text=True)
    bar_rule = re.search(r"\.progress > span \{([^}]*)\}", css).group(1)
    assert "width" not in bar_rule.replace("transition:width", "")
    assert ".w-100{width:100%}" in css
