from sqlalchemy import func, select

from ozgdesk.model import Projekt


def test_demo_store_hat_projekte(demo_store):
    with demo_store.lesen() as s:
        assert s.execute(select(func.count(Projekt.id))).scalar_one() == 18


def test_leerer_store_hat_keine_projekte(leerer_store):
    with leerer_store.lesen() as s:
        assert s.execute(select(func.count(Projekt.id))).scalar_one() == 0
