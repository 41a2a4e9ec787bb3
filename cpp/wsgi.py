import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpp.settings")
application = get_wsgi_application()

# What start-up loaded (Django, the apps, their URL patterns) lives as long as the process:
# frozen, the garbage collector stops walking it at every full collection. A summary of 1,000
# indicators allocates enough to set off several (bench/pages.py: build_summary's CPU time
# 177 -> 138 ms, median of 15). Python's gc.freeze is meant for exactly this.
gc.freeze()
