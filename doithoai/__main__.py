from doithoai.launch import main

main()
