"""The project's SQL files, installed as package data of news_etl (news_etl.sql)."""
