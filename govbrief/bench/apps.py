from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "govbrief.bench"
    verbose_name = "性能基准测试"
