# xlwings Lite: paste this into the main.py tab of the xlwings Lite editor.
# It registers kpixl's custom functions (=KPI_SCORE, =KPI_TEAM, ...) and scripts
# (生成个人考核表, 汇总评分, 导出奖金系数, 校验); requirements.txt installs kpixl itself.
from kpixl_udfs import *  # noqa: F403
